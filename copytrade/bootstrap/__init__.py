"""The composition root: the one place where adapters are built and wired.

``Container`` (container.py) holds the settings' adapters and builds the platform on
them; ``build_platform`` (platform.py) is the only place that builds the platform: the
paper venue, the copy engine and the use cases around it, each given the ports it names.
"""

from copytrade.bootstrap.container import Container
from copytrade.bootstrap.platform import build_platform

__all__ = ["Container", "build_platform"]
