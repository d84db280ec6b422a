"""The legal basis an answer cites by default, per outcome (《中华人民共和国政府信息公开条例》2019).

The one place of the map: the admin's 拟定答复 form pre-fills it, the handler may edit it.
"""

from __future__ import annotations

from .models import Outcome

REGULATION = "《中华人民共和国政府信息公开条例》"

_O = Outcome
DEFAULT_LEGAL_BASIS: dict[str, str] = {
    _O.DISCLOSED: f"{REGULATION}第三十六条第（二）项",
    _O.PARTLY_DISCLOSED: f"{REGULATION}第三十七条",
    _O.SECRET: f"{REGULATION}第十四条、第三十六条第（三）项",
    _O.PROHIBITED_BY_LAW: f"{REGULATION}第十四条、第三十六条第（三）项",
    _O.THREE_SAFETIES: f"{REGULATION}第十四条、第三十六条第（三）项",
    _O.THIRD_PARTY_RIGHTS: f"{REGULATION}第十五条、第三十二条、第三十六条第（三）项",
    _O.INTERNAL_AFFAIRS: f"{REGULATION}第十六条第一款、第三十六条第（三）项",
    _O.PROCESS_INFORMATION: f"{REGULATION}第十六条第二款、第三十六条第（三）项",
    _O.ENFORCEMENT_FILES: f"{REGULATION}第十六条第二款、第三十六条第（三）项",
    _O.ADMINISTRATIVE_QUERY: f"{REGULATION}第三十六条第（七）项",
    _O.NOT_HELD: f"{REGULATION}第三十六条第（四）项",
    _O.NEEDS_CREATION: f"{REGULATION}第三十八条",
    _O.STILL_UNCLEAR: f"{REGULATION}第三十条",
    _O.PETITION: f"{REGULATION}第三十九条第一款",
    _O.REPEATED: f"{REGULATION}第三十六条第（六）项",
    _O.PUBLICATION: f"{REGULATION}第三十九条第二款",
    _O.EXCESSIVE: f"{REGULATION}第三十五条",
    _O.CONFIRMATION: f"{REGULATION}第三十九条第二款",
    _O.FEE_UNPAID: f"{REGULATION}第四十二条",
    _O.NO_CORRECTION: f"{REGULATION}第三十条",
    _O.OTHER: "",
}


def default_legal_basis(outcome: str) -> str:
    return DEFAULT_LEGAL_BASIS.get(outcome, "")
