"""Packaging: the metadata is in setup.cfg; this adds what a wheel needs beyond the package itself.

The design keeps `templates/` and `questions/` at the top of the repository. A wheel ships them inside the
package, as `vaalikone/templates` and `vaalikone/questions` (vaalikone.config finds them there when they
are not beside the package), and ships the translation catalogs compiled.
"""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    """Compile every .po catalog to .mo before the package data is copied (the .mo files are not in git)."""

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((ROOT / "vaalikone" / "translations").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog)
        super().run()


setup(
    packages=find_packages(include=["vaalikone", "vaalikone.*"])
    + ["vaalikone.templates", "vaalikone.questions"],
    package_dir={"vaalikone.templates": "templates", "vaalikone.questions": "questions"},
    package_data={
        "vaalikone": [
            "data/*.csv",
            "data/*.md",
            "data/yle/*.md",
            "data/yle/*/*.csv",
            "static/*",
            "translations/*/LC_MESSAGES/*",
        ],
        "vaalikone.templates": ["*.html", "*/*.html"],
        "vaalikone.questions": ["*.toml", "*.md", "seeds/*"],
    },
    cmdclass={"build_py": BuildWithCatalogs},
)
