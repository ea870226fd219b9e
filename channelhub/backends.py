"""The authentication backend: Django's ModelBackend, with the session's user kept in the
shared cache between requests (channelhub.caching, scope ``user:<id>``: a save of the user —
a password, ``is_active``, a log-in's ``last_login`` — recomputes it). Every page loads its
user; the query cost about a tenth of the home page's Python time."""

from django.contrib.auth import backends

from channelhub import caching


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        return caching.kept(
            f"auth-user:{user_id}", (f"user:{user_id}",), lambda: super(ModelBackend, self).get_user(user_id)
        )
