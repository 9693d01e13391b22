"""Options objects: the choices of a run, validated once, at the edge (STYLE.md)."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from ceasefire.errors import InputError

__all__ = ["Options"]


class Options(BaseModel):
    """Frozen, closed options; :meth:`of` builds them with a clear error on bad values."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @classmethod
    def of(cls, options: Self | None = None, **changes: Any) -> Self:
        """``options`` (or the defaults) with ``changes`` applied and checked.

        Raises
        ------
        InputError
            Naming each option that is unknown or out of range, with what is allowed.
        """
        base = options.model_dump() if options is not None else {}
        try:
            return cls.model_validate({**base, **changes})
        except ValidationError as error:
            problems = []
            for problem in error.errors():
                name = ".".join(map(str, problem["loc"])) or "options"
                field = cls.model_fields.get(str(problem["loc"][0])) if problem["loc"] else None
                hint = f" ({field.description})" if field is not None and field.description \
                    else ""
                problems.append(f"{name}: {problem['msg']}, got {problem.get('input')!r}{hint}")
            raise InputError(f"{cls.__name__}: " + "; ".join(problems)) from None
