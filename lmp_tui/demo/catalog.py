"""Static demo material: regions, products, price lists, names and places."""

from __future__ import annotations

from decimal import Decimal

from lmp_tui.domain.model import CodeKind, EditableField
from lmp_tui.places import DEMO_USER

DEMO_DISTRIBUTOR = "Northwind Distribution"
OTHER_DISTRIBUTOR = "Contoso Channel Partners"

#: (name, role, distributor)
STAFF = (
    ("billing", "billing", DEMO_DISTRIBUTOR),
    ("viewer", "viewer", DEMO_DISTRIBUTOR),
    ("admin", "admin", DEMO_DISTRIBUTOR),
    ("operator", "operator", DEMO_DISTRIBUTOR),  # may change the shared regions, products, prices, general codes
    ("other-billing", "billing", OTHER_DISTRIBUTOR),
)
DEMO_BILLING_USER = DEMO_USER
#: who records the other parties' moves in the demo
ADMIN_USER = "admin"
VENDOR_RETURN_REASON = "Please confirm the chargeable count of the endpoint line against the console export."

#: code, name, currency, code kind, field a code opens
REGIONS = (
    ("NA", "North America", "USD", CodeKind.BID_DESK, EditableField.UNIT_PRICE),
    ("EU", "Europe", "EUR", CodeKind.PROMOTE, EditableField.CHANNEL_MARGIN),
    ("JP", "Japan", "JPY", CodeKind.PROMOTE, EditableField.UNIT_PRICE),
    ("ANZ", "Australia and New Zealand", "AUD", CodeKind.BID_DESK, EditableField.CHANNEL_MARGIN),
)

#: name, units, reports usage?, USD list price
PRODUCTS = (
    ("Worry-Free Services Advanced", "seats", True, Decimal("3.85")),
    ("Worry-Free XDR", "users", True, Decimal("5.40")),
    ("Apex One as a Service", "endpoints", True, Decimal("4.25")),
    ("Vision One Endpoint Security", "endpoints", True, Decimal("6.10")),
    ("Cloud App Security", "users", True, Decimal("2.15")),
    ("Email Security Advanced", "mailboxes", True, Decimal("1.95")),
    ("Server & Workload Protection", "protected servers", True, Decimal("18.50")),
    ("Container Security", "cluster nodes", True, Decimal("9.75")),
    ("Mobile Security for Business", "devices", True, Decimal("1.60")),
    ("Managed XDR Service", "endpoints", False, Decimal("7.90")),
    ("Network Defense Virtual Appliance", "appliances", False, Decimal("145.00")),
    ("Endpoint Encryption", "devices", True, Decimal("2.70")),
    ("Web Security as a Service", "users", True, Decimal("2.35")),
    ("Vulnerability Risk Management", "assets", False, Decimal("1.10")),
    ("Zero Trust Secure Access", "users", True, Decimal("4.60")),
    ("Data Loss Prevention Add-on", "users", False, Decimal("0.95")),
)

#: rate from USD list price to each region's price, and the region's usual margin band
REGION_PRICING = {
    "NA": (Decimal("1"), (Decimal("15"), Decimal("25"))),
    "EU": (Decimal("0.93"), (Decimal("18"), Decimal("30"))),
    "JP": (Decimal("151"), (Decimal("10"), Decimal("20"))),
    "ANZ": (Decimal("1.53"), (Decimal("20"), Decimal("28"))),
}

NAME_FIRST = (
    "Acme",
    "Blue Harbor",
    "Copperleaf",
    "Driftwood",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harborview",
    "Ironbark",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Northstar",
    "Oakridge",
    "Pinnacle",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidewater",
    "Upland",
    "Vanguard",
    "Westbrook",
    "Yellowpine",
    "Zephyr",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Glacier",
    "Helix",
    "Indigo",
    "Jetstream",
    "Kestrel",
    "Lumen",
    "Mosaic",
    "Nimbus",
    "Orbit",
    "Polaris",
    "Quantum",
    "Riverbend",
    "Sakura",
    "Kōyō",
    "Fuji",
    "Tanuki",
    "Kangaroo",
    "Wattle",
    "Kauri",
    "Alpenglow",
    "Baltic",
    "Rhône",
)
NAME_SECOND = (
    "Networks",
    "IT Services",
    "Managed Solutions",
    "Cyber",
    "Technology Group",
    "Systems",
    "Digital",
    "Secure IT",
    "Cloud Partners",
    "Infotech",
    "Consulting",
    "Data Services",
    "MSP",
    "Computing",
    "Tech",
    "IT Solutions",
)
NAME_SUFFIX = ("Inc.", "LLC", "Ltd", "GmbH", "Pty Ltd", "K.K.", "S.A.", "Co.", "")

PLACES = {
    "NA": (
        ("Seattle", "WA"),
        ("Austin", "TX"),
        ("Denver", "CO"),
        ("Toronto", "ON"),
        ("Chicago", "IL"),
        ("Atlanta", "GA"),
        ("Boston", "MA"),
        ("Vancouver", "BC"),
    ),
    "EU": (
        ("Berlin", "BE"),
        ("Lyon", "ARA"),
        ("Milan", "LOM"),
        ("Madrid", "MD"),
        ("Dublin", "L"),
        ("Rotterdam", "ZH"),
        ("Vienna", "9"),
    ),
    "JP": (("Tokyo", "13"), ("Osaka", "27"), ("Nagoya", "23"), ("Fukuoka", "40"), ("Sapporo", "01")),
    "ANZ": (("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD"), ("Auckland", "AUK"), ("Perth", "WA")),
}

PARTNER_COMMENTS = (
    "Customer offboarded mid-month; licences are being released.",
    "Seats reserved for a rollout starting next month, not yet in use.",
    "Duplicate devices removed after the agent reinstall; see ticket 4471.",
    "Pilot ended on the 12th, the customer did not convert.",
    "Mailboxes belong to shared accounts that are not licensed.",
    "Servers decommissioned during the datacentre move.",
    "Usage under-reported by the agent; a support case is open.",
    "Seasonal staff left at the end of the period.",
)

REJECT_REASONS = (
    "Chargeable units on line 2 are below the used count; please correct and resubmit.",
    "Comment missing for the lowered chargeable count on the encryption line.",
    "PO reference from the customer is missing; please add it to the usage report.",
)
