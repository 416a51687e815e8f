from django.utils.translation import gettext_lazy as _

from services.kernel.audit_events import declare

SETTINGS_CHANGED = declare(
    "notifications.settings_changed",
    label=_("修改通知渠道设置"),
    detail="空; before/after: the channels per kind and the WeChat Work user id",
)
PHONE_VERIFIED = declare(
    "notifications.phone_verified",
    label=_("登记已验证的手机号"),
    detail="phone: the number, masked",
)
