"""The dues models, by part (docs/dues.md); importing ``services.dues.models`` gives them all.
The disclosure and payments' order months, statements and mismatches live beside the code that
writes them and are registered with the app from here."""

from ..disclosure_models import Disclosure
from ..payments.models import Mismatch, OrderMonth, Statement
from .ledger import FLAT_CATEGORIES, Base, BranchSettings, Category, Entry, Month, PaymentOrder
from .requests import ArrearsCase, BaseDeclaration, Reduction, UseEntry

__all__ = [
    "FLAT_CATEGORIES",
    "ArrearsCase",
    "Base",
    "BaseDeclaration",
    "BranchSettings",
    "Category",
    "Disclosure",
    "Entry",
    "Mismatch",
    "Month",
    "OrderMonth",
    "PaymentOrder",
    "Reduction",
    "Statement",
    "UseEntry",
]
