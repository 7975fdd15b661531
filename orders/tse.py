"""The till's signer (§ 146a AO, KassenSichV): each recorded payment is signed by a TSE.

A certified technical security device (usually a cloud TSE) must sign every
payment before the product is used as a till in Germany. This module only
defines the interface and a fake: the class named by ``settings.TSE_SIGNER``
is used, and the fake marks everything it returns as not certified, so a
document never passes its data off as a real TSE signature.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TseRequest:
    """What the till reports to the TSE for one payment (amounts in cents)."""

    payment_id: int
    restaurant_id: int
    method: str
    currency: str
    gross_by_rate: dict[str, int]
    tip_cents: int
    paid_cents: int
    started_at: datetime


@dataclass(frozen=True)
class TseSignature:
    signer: str
    certified: bool
    transaction_number: str
    serial: str
    signature_counter: int
    start_at: datetime
    end_at: datetime
    signature: str
    qr_data: str


class TseSigner:
    """Interface: ``sign`` returns the TSE's answer or raises (then no payment is recorded)."""

    certified = False

    def sign(self, request: TseRequest) -> TseSignature:
        raise NotImplementedError


class FakeTseSigner(TseSigner):
    """For tests and the demo: deterministic data in the shape of a real TSE's, NOT certified."""

    serial = "FAKE-TSE-NOT-CERTIFIED"

    def sign(self, request: TseRequest) -> TseSignature:
        end = timezone.now()
        amounts = "_".join(f"{rate}:{cents}" for rate, cents in sorted(request.gross_by_rate.items()))
        process_data = f"Beleg^{amounts}^{request.paid_cents}:{request.method}"
        digest = hashlib.sha256(f"{self.serial}|{request.payment_id}|{process_data}".encode()).digest()
        signature = base64.b64encode(digest).decode()
        # The DSFinV-K receipt QR layout, so the document shows what a real one would.
        qr_data = ";".join(
            [
                "V0",
                self.serial,
                "Kassenbeleg-V1",
                process_data,
                str(request.payment_id),
                str(request.payment_id),
                request.started_at.isoformat(timespec="seconds"),
                end.isoformat(timespec="seconds"),
                "ecdsa-plain-SHA256",
                "unixTime",
                signature,
                "NOT-CERTIFIED",
            ]
        )
        return TseSignature(
            signer=type(self).__name__,
            certified=False,
            transaction_number=str(request.payment_id),
            serial=self.serial,
            signature_counter=request.payment_id,
            start_at=request.started_at,
            end_at=end,
            signature=signature,
            qr_data=qr_data,
        )


def tse_signer() -> TseSigner:
    """The configured signer (``settings.TSE_SIGNER``, a dotted class path)."""
    signer = import_string(settings.TSE_SIGNER)()
    if not isinstance(signer, TseSigner):
        raise TypeError(f"TSE_SIGNER {settings.TSE_SIGNER!r} is not a TseSigner")
    return signer
