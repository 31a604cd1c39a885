"""Names the benchmark data is made of: products, countries, people."""

import uuid
from decimal import Decimal

from benefits.models import Benefit

USAGE_PRODUCTS = [
    ("Azure monthly credit — 100 per month", Decimal("100"), Benefit.Period.MONTHLY),
    ("Azure monthly credit — 150 per month", Decimal("150"), Benefit.Period.MONTHLY),
    ("Azure monthly credit — 50 per month", Decimal("50"), Benefit.Period.MONTHLY),
    ("Azure bulk credit — 6,000 per year", Decimal("6000"), Benefit.Period.ANNUAL),
    ("Azure bulk credit — 12,000 per year", Decimal("12000"), Benefit.Period.ANNUAL),
]
LICENSE_FAMILIES = [
    "Office 365 E1",
    "Office 365 E3",
    "Office 365 E5",
    "Microsoft 365 Business Basic",
    "Microsoft 365 Business Standard",
    "Microsoft 365 Business Premium",
    "Microsoft 365 Apps for business",
    "Power BI Pro",
    "Power BI Premium per user",
    "Power Apps per user",
    "Power Automate per user",
    "Microsoft Intune",
    "Azure AD Premium P1",
    "Azure AD Premium P2",
    "Dynamics 365 Sales Professional",
    "Dynamics 365 Customer Service",
    "Dynamics 365 Business Central",
    "Visual Studio Professional",
    "Visual Studio Enterprise",
    "Project Plan 3",
    "Visio Plan 2",
    "Exchange Online Plan 1",
    "Exchange Online Plan 2",
    "Teams Phone Standard",
    "Windows 10/11 Enterprise E3",
]
LICENSE_PRODUCTS = [*LICENSE_FAMILIES, *(f"{name} (nonprofit)" for name in LICENSE_FAMILIES)]
KEY_SIZES = [5, 10, 10, 25, 25, 50, 100]
COUNTRIES = [("US", "USD"), ("FR", "EUR"), ("GB", "GBP"), ("DE", "EUR"), ("CA", "CAD")]
FIRST_NAMES = [
    "Adele", "Alex", "Alice", "Allan", "Amelia", "Anna", "Antoine", "Ben", "Bianca", "Carlos",
    "Charlotte", "Chloe", "Chris", "Claire", "Daniel", "David", "Diego", "Elena", "Elise",
    "Emma", "Ethan", "Grace", "Hannah", "Isaac", "Jack", "James", "Joanna", "Jonas", "Julia",
    "Karim", "Kate", "Laura", "Lee", "Lucas", "Maria", "Mark", "Martin", "Megan", "Mia",
    "Nathan", "Nina", "Oliver", "Paula", "Pierre", "Rachel", "Robert", "Sara", "Sophie",
    "Stefan", "Thomas",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Bauer", "Bernard", "Bowen", "Brown", "Clark", "Costa", "Dubois", "Fischer",
    "Garcia", "Gu", "Hansen", "Jones", "Keller", "Kim", "Lambert", "Laurent", "Lopez", "Martin",
    "Meyer", "Miller", "Moreau", "Muller", "Nguyen", "Novak", "Petit", "Richard", "Roux",
    "Schmidt", "Silva", "Smith", "Taylor", "Thompson", "Vance", "Wagner", "Walker", "Weber",
    "White", "Wilber", "Wilson",
]  # fmt: skip
TENANT_NAMESPACE = uuid.UUID("0b7a3f5e-1c2d-4e8f-9a6b-5c4d3e2f1a09")
