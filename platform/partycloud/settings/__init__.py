"""PartyCloud settings, one module per concern, every value from the environment.

Production differs from development only in environment values; see deploy/env.example.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .celery import *  # noqa: F403
from .database import *  # noqa: F403
from .mail import *  # noqa: F403
from .notifications import *  # noqa: F403
from .operations import *  # noqa: F403
from .payments import *  # noqa: F403
from .search import *  # noqa: F403
from .security import *  # noqa: F403
from .storage import *  # noqa: F403
from .tenancy import *  # noqa: F403
