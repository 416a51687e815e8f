"""Notification channels (services/notifications): which SMS provider, WeChat Work, the limits.

SMS: ``SMS_PROVIDER`` is "aliyun", "tencent" or "console" (the text is written to the log; the
development default). Production with no provider refuses SMS sends with a clear message rather
than pretending to send a code. E-mail uses the mail settings (mail.py). Every endpoint is a
setting so tests point the adapters at a server on loopback.
"""

from __future__ import annotations

from .env import env_int, env_list, env_str
from .security import DEV

SMS_PROVIDER = env_str("SMS_PROVIDER", "console" if DEV else "")
# The signature shown in front of every SMS (签名), approved by the provider.
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "党建云")
# The provider's template id for each of our template codes: "activation_code=SMS_1234,password_reset_code=SMS_5678".
SMS_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("SMS_TEMPLATE_IDS") if "=" in item)

# Aliyun SMS (dysmsapi, POP RPC signature).
SMS_ALIYUN_ENDPOINT = env_str("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_ACCESS_KEY_ID = env_str("SMS_ALIYUN_ACCESS_KEY_ID")
SMS_ALIYUN_ACCESS_KEY_SECRET = env_str("SMS_ALIYUN_ACCESS_KEY_SECRET")
SMS_ALIYUN_REGION = env_str("SMS_ALIYUN_REGION", "cn-hangzhou")

# Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256).
SMS_TENCENT_ENDPOINT = env_str("SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/")
SMS_TENCENT_SECRET_ID = env_str("SMS_TENCENT_SECRET_ID")
SMS_TENCENT_SECRET_KEY = env_str("SMS_TENCENT_SECRET_KEY")
SMS_TENCENT_REGION = env_str("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_APP_ID = env_str("SMS_TENCENT_APP_ID")  # SmsSdkAppId

# WeChat Work (企业微信) application messages; empty corp id: the channel is not offered.
WECOM_ENDPOINT = env_str("WECOM_ENDPOINT", "https://qyapi.weixin.qq.com/")
WECOM_CORP_ID = env_str("WECOM_CORP_ID")
WECOM_CORP_SECRET = env_str("WECOM_CORP_SECRET")
WECOM_AGENT_ID = env_str("WECOM_AGENT_ID")

# Per-recipient limits (a refused send is a Chinese error the caller shows).
NOTIFY_SMS_PER_HOUR = env_int("NOTIFY_SMS_PER_HOUR", 5)
NOTIFY_SMS_INTERVAL_SECONDS = env_int("NOTIFY_SMS_INTERVAL_SECONDS", 60)
NOTIFY_OTHER_PER_HOUR = env_int("NOTIFY_OTHER_PER_HOUR", 30)  # e-mail and WeChat Work, per address
# Delivery: attempts before a message is given up, and the HTTP timeout of every provider call.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_HTTP_TIMEOUT = env_int("NOTIFY_HTTP_TIMEOUT", 10)
