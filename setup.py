"""The one build step pyproject.toml cannot say: a wheel carries the project's templates,
static files, translations and fixtures (top-level folders in a checkout) inside the
``careerfit`` package, as ``careerfit/site/``, where the settings look for them first."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SITE_FOLDERS = ("templates", "static", "locale", "fixtures")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "careerfit" / "site"
        for name in SITE_FOLDERS:
            shutil.copytree(
                root / name,
                target / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )


setup(cmdclass={"build_py": BuildWithSiteFiles})
