"""WeChat Work (企业微信) application messages: ``cgi-bin/gettoken`` once, the access token kept
in the cache until shortly before it expires, then ``cgi-bin/message/send`` (a text message to
the user's WeCom user id). A token the server no longer accepts (40014 invalid, 42001 expired)
is dropped and fetched again, once per send."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.cache import cache

from .base import DeliveryError, Outgoing, Receipt, http_call

STALE_TOKEN = {40014, 42001, 40001}
RETRYABLE = {-1, 45009, 45033, 50002}


def _cache_key() -> str:
    return f"notifications:wecom:token:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"


def _url(path: str, **query: str) -> str:
    return urljoin(settings.WECOM_ENDPOINT, path) + "?" + urlencode(query)


class WeComChannel:
    name = "wecom"

    def token(self, *, fresh: bool = False) -> str:
        if not fresh:
            cached = cache.get(_cache_key())
            if cached:
                return str(cached)
        _status, answer = http_call(
            _url("cgi-bin/gettoken", corpid=settings.WECOM_CORP_ID, corpsecret=settings.WECOM_CORP_SECRET)
        )
        errcode = int(answer.get("errcode", -1))
        if errcode != 0 or not answer.get("access_token"):
            raise DeliveryError(
                f"wecom gettoken {errcode}: {answer.get('errmsg', '')}",
                permanent=errcode not in RETRYABLE,
                code=str(errcode),
            )
        expires_in = int(answer.get("expires_in", 7200))
        cache.set(_cache_key(), answer["access_token"], timeout=max(60, expires_in - 300))
        return str(answer["access_token"])

    def _post(self, outgoing: Outgoing, token: str) -> dict[str, object]:
        payload = {
            "touser": outgoing.recipient,
            "msgtype": "text",
            "agentid": int(settings.WECOM_AGENT_ID or 0),
            "text": {"content": outgoing.body},
            "safe": 0,
        }
        _status, answer = http_call(
            _url("cgi-bin/message/send", access_token=token),
            method="POST",
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        return answer

    def send(self, outgoing: Outgoing) -> Receipt:
        answer = self._post(outgoing, self.token())
        if int(answer.get("errcode", -1)) in STALE_TOKEN:  # type: ignore[call-overload]
            cache.delete(_cache_key())
            answer = self._post(outgoing, self.token(fresh=True))
        errcode = int(answer.get("errcode", -1))  # type: ignore[call-overload]
        if errcode == 0 and not answer.get("invaliduser"):
            return Receipt(provider_message_id=str(answer.get("msgid", "")))
        if errcode == 0:
            raise DeliveryError(f"wecom invalid user {answer['invaliduser']}", permanent=True, code="invaliduser")
        raise DeliveryError(
            f"wecom {errcode}: {answer.get('errmsg', '')}", permanent=errcode not in RETRYABLE, code=str(errcode)
        )
