"""The shop's catalog: phones, laptops and cameras with plausible names, prices and popularity."""

import random
from dataclasses import dataclass

from faker import Faker
from faker.providers.lorem.la import Provider as LatinLorem

from simulators.ids import derive_seed, item_id

CATEGORIES = ("mobile_phones", "laptops", "cameras")
_ZIPF_EXPONENT = 0.95

_BRANDS = {
    "mobile_phones": ("Nexon", "Veltra", "Orbis", "Kairo", "Lumio", "Zentek"),
    "laptops": ("Corvex", "Altair", "Stratos", "Nimbus", "Vantor", "Keystone"),
    "cameras": ("Optika", "Lumex", "Kestrel", "Aperix", "Fotona", "Halden"),
}
_MODEL_SUFFIXES = ("a", "ix", "on", "ra", "is", "o", "ex", "um", "ia")
_LATIN_WORDS = [word for word in LatinLorem.word_list if len(word) >= 5]
_FINISHES = ("Graphite", "Midnight", "Silver", "Glacier Blue", "Sage", "Coral", "Titanium")
# (tier, lowest base price, highest base price) in EUR
_PHONE_TIERS = (("Lite", 179, 329), ("", 349, 649), ("Plus", 549, 849), ("Pro", 849, 1149),
                ("Ultra", 1049, 1449))  # fmt: skip
_PHONE_STORAGE = (("128GB", 0), ("256GB", 100), ("512GB", 250), ("1TB", 450))
_LAPTOP_TIERS = (("Air", 549, 999), ("", 699, 1299), ("Pro", 1199, 2199), ("Ultra", 1799, 2999))
_LAPTOP_CPUS = (
    ("Core 5", 0),
    ("Core 7", 200),
    ("Ryzen 5", 0),
    ("Ryzen 7", 180),
    ("Core Ultra 9", 450),
)
_LAPTOP_MEMORY = (("8GB/256GB", 0), ("16GB/512GB", 200), ("32GB/1TB", 550))
_CAMERA_LINES = (("C", 399, 799), ("Z", 899, 1999), ("X", 1799, 3999))
_CAMERA_KITS = (("Body", 0), ("Kit 18-55mm", 150), ("Kit 24-70mm", 650), ("Kit 24-105mm", 900))


@dataclass(frozen=True, slots=True)
class CatalogItem:
    item_id: str
    name: str
    category: str
    brand: str
    price_eur: float
    popularity: float  # expected share of all clicks; the catalog's shares sum to 1


def build_catalog(seed: int, size: int = 300) -> list[CatalogItem]:
    """`size` items spread evenly over the categories, in item_id order.

    Popularity follows a Zipf law over a random ranking: a few items draw most clicks.
    """
    if size < len(CATEGORIES):
        raise ValueError(f"catalog size must be at least {len(CATEGORIES)}")
    rng = random.Random(derive_seed(seed, "catalog"))
    fake = Faker("en_US")
    fake.seed_instance(derive_seed(seed, "catalog-words"))
    ranks = list(range(1, size + 1))
    rng.shuffle(ranks)
    weights = [rank**-_ZIPF_EXPONENT for rank in ranks]
    total = sum(weights)
    names: set[str] = set()
    items = []
    for number in range(size):
        category = CATEGORIES[number % len(CATEGORIES)]
        brand = rng.choice(_BRANDS[category])
        name, price = _NAMERS[category](rng, fake, brand)
        while name in names:  # a second edition rather than a duplicate name
            name = f"{name} Gen {rng.randint(2, 5)}"
        names.add(name)
        items.append(
            CatalogItem(item_id(number + 1), name, category, brand, price, weights[number] / total)
        )
    return items


def _model_word(fake: Faker) -> str:
    """A product-line word: a Latin lorem word cut to its stem with a brandable ending."""
    stem = fake.word(ext_word_list=_LATIN_WORDS)[: fake.random_int(4, 5)].rstrip("aeiou")
    return (stem + fake.random_element(_MODEL_SUFFIXES)).capitalize()


def _price(rng: random.Random, low: float, high: float, extra: float) -> float:
    """Shop prices end in .99 (e.g. 849.99)."""
    return round(rng.uniform(low, high) + extra, -1) - 0.01


def _phone(rng: random.Random, fake: Faker, brand: str) -> tuple[str, float]:
    tier, low, high = rng.choice(_PHONE_TIERS)
    storage, extra = rng.choice(_PHONE_STORAGE[:3] if tier == "Lite" else _PHONE_STORAGE)
    number = str(rng.randint(5, 15))
    parts = [brand, _model_word(fake), number, tier, storage, rng.choice(_FINISHES)]
    return " ".join(part for part in parts if part), _price(rng, low, high, extra)


def _laptop(rng: random.Random, fake: Faker, brand: str) -> tuple[str, float]:
    tier, low, high = rng.choice(_LAPTOP_TIERS)
    cpu, cpu_extra = rng.choice(_LAPTOP_CPUS)
    memory, memory_extra = rng.choice(_LAPTOP_MEMORY)
    size_in = rng.choice((13, 14, 15, 16))
    parts = [brand, _model_word(fake), str(size_in), tier, cpu, memory]
    price = _price(rng, low, high, cpu_extra + memory_extra)
    return " ".join(part for part in parts if part), price


def _camera(rng: random.Random, fake: Faker, brand: str) -> tuple[str, float]:
    line, low, high = rng.choice(_CAMERA_LINES)
    kit, extra = rng.choice(_CAMERA_KITS)
    mark = rng.choice(("", "II", "III", "IV"))
    megapixels = rng.choice((20, 24, 26, 33, 45, 61))
    parts = [brand, _model_word(fake), f"{line}{rng.randint(3, 9)}", mark, f"{megapixels}MP", kit]
    return " ".join(part for part in parts if part), _price(rng, low, high, extra)


_NAMERS = {"mobile_phones": _phone, "laptops": _laptop, "cameras": _camera}
