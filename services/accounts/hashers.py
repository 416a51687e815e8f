"""Password hashing: Argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

Django's defaults (PBKDF2 with 1,000,000 iterations, or Argon2 with 100 MiB and 8 lanes) cost
about half a second of CPU per login on a 2-core machine: four logins a second when a
hundred students scan a meeting's QR code at once. Argon2id at these parameters is memory-hard
and takes ~20 ms. Hashes made with other parameters or PBKDF2 still verify and are upgraded
at the next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
