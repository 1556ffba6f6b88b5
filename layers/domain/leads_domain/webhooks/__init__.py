"""Webhooks: what is sent to an endpoint and how safely.

``signature`` signs a payload (and is the standard-library-only module receivers copy to verify
one), ``address_guard`` decides which URLs and addresses may be called, ``sender`` makes the
one HTTP POST a delivery is, and ``retry_schedule`` says when a failed delivery is tried again.
"""
