"""Online payment of party dues (services/dues/payments, docs/dues.md "Paying online").

``DUES_PAY_PROVIDERS``: the providers members may pay with, in the order offered ("wechat",
"alipay", "sandbox"). Development (`make run`) offers the sandbox provider, a local service
started beside the app (services/dues/sandbox_server.py) with a key generated under the data dir.
Production offers nothing until a provider's merchant settings are given; the sandbox is refused
there. Keys are files (PEM), never values in the environment.
"""

from __future__ import annotations

import secrets

from .env import env_list, env_str
from .security import DEV, _dev_secret

DUES_PAY_PROVIDERS = env_list("DUES_PAY_PROVIDERS") or (["sandbox"] if DEV else [])

# The sandbox: where the app calls it, and the shared HMAC key (the same file `make run` hands it).
DUES_SANDBOX_URL = env_str("DUES_SANDBOX_URL", "http://127.0.0.1:8020")
DUES_SANDBOX_KEY = env_str("DUES_SANDBOX_KEY") or (
    _dev_secret("dues_sandbox_key", lambda: secrets.token_urlsafe(32), "DUES_SANDBOX_KEY") if DEV else ""
)

# WeChat Pay APIv3: the merchant, its API certificate's serial and private key, the platform
# certificate's serial and public key, the APIv3 key (32 characters), H5 or Native orders.
DUES_WECHAT_ENDPOINT = env_str("DUES_WECHAT_ENDPOINT", "https://api.mch.weixin.qq.com")
DUES_WECHAT_MCHID = env_str("DUES_WECHAT_MCHID")
DUES_WECHAT_APPID = env_str("DUES_WECHAT_APPID")
DUES_WECHAT_SERIAL_NO = env_str("DUES_WECHAT_SERIAL_NO")
DUES_WECHAT_PRIVATE_KEY_FILE = env_str("DUES_WECHAT_PRIVATE_KEY_FILE")
DUES_WECHAT_PLATFORM_SERIAL = env_str("DUES_WECHAT_PLATFORM_SERIAL")
DUES_WECHAT_PLATFORM_KEY_FILE = env_str("DUES_WECHAT_PLATFORM_KEY_FILE")
DUES_WECHAT_APIV3_KEY_FILE = env_str("DUES_WECHAT_APIV3_KEY_FILE")
DUES_WECHAT_TRADE_TYPE = env_str("DUES_WECHAT_TRADE_TYPE", "h5")

# Alipay open platform: the app, its private key, Alipay's public key, the gateway.
DUES_ALIPAY_GATEWAY = env_str("DUES_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do")
DUES_ALIPAY_APP_ID = env_str("DUES_ALIPAY_APP_ID")
DUES_ALIPAY_PRIVATE_KEY_FILE = env_str("DUES_ALIPAY_PRIVATE_KEY_FILE")
DUES_ALIPAY_PUBLIC_KEY_FILE = env_str("DUES_ALIPAY_PUBLIC_KEY_FILE")
