"""Command-line options shared by several sub-commands, and the settings they make."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from hipcoach.config import DEFAULTS, ModelName, Settings
from hipcoach.errors import ConfigError

ModelOpt = Annotated[
    ModelName, typer.Option("--model", "-m", help="Pose model: lite, full or heavy.")
]


def settings_for(model: ModelName, max_people: int | None = None) -> Settings:
    """The defaults with the chosen pose model (and people limit); ConfigError if invalid."""
    pose: dict[str, object] = {"model": model}
    if max_people is not None:
        pose["max_people"] = max_people
    try:
        return Settings.model_validate(
            {**DEFAULTS.model_dump(), "pose": {**DEFAULTS.pose.model_dump(), **pose}}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc
