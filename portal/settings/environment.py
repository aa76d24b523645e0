"""The environment's reader for the settings: django-environ, strict about what it reads."""

import environ

# What a yes/no setting accepts for "no"; django-environ reads any word that is not a "yes" as "no".
FALSE_WORDS = ("false", "off", "n", "no", "0", "")


class Environment(environ.Env):
    """django-environ, read strictly: a value that is not of its setting's kind stops the process at its
    start with one line naming the variable (django-environ's own error, "invalid literal for int()", names
    none), and a yes/no setting refuses a word it does not know instead of reading it as "no"
    (RESPONSE_FOUR_EYES=ture would have turned four-eyes publishing off, SECURE_SSL_REDIRECT=ture the
    redirect to HTTPS)."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as error:
            raise SystemExit(f"{var} cannot be read: {error} (README, Configuration)") from None

    @classmethod
    def parse_value(cls, value, cast):
        if cast is bool and isinstance(value, str):
            word = value.strip().lower()
            if word not in cls.BOOLEAN_TRUE_STRINGS and word not in FALSE_WORDS:
                raise ValueError(f"{value!r} is neither yes (true, 1, on, yes) nor no (false, 0, off, no)")
        return super().parse_value(value, cast)
