"""Constants in one place, each with the reason for its value."""

from __future__ import annotations

# The vendor's documented base URL; the vendor CLI also polls via https://vtrix.ai.
DEFAULT_BASE_URL = "https://cloud.vtrix.ai"
# Paths confirmed in the vendor's own client (internal/generation/client.go).
CREATE_PATH = "/model/v1/generation"
TASK_PATH = "/model/v1/generation/task/{task_id}"
# The model catalog's paths (internal/models/client.go); no key is sent to either.
MODELS_PATH = "/api/v1/skill/models"
SPEC_PATH = "/api/v1/skill/models/{model_id}/spec"

# Environment variables a user already expects from the vendor CLI and from this package.
ENV_API_KEY = "VTRIX_API_KEY"
ENV_BASE_URL = "VTRIX_BASE_URL"
# Where the model catalog lives when it is not the API's own host (the vendor CLI reads it too).
ENV_MODELS_URL = "VTRIX_MODELS_URL"
ENV_HOME = "SORA_WIDGETS_HOME"
# Name of the keyring service that may hold the key (optional dependency).
KEYRING_SERVICE = "sora-widgets"

# A pseudo base URL for the in-process simulator; it never resolves on a network.
SIMULATOR_BASE_URL = "http://simulator.invalid"

# Long prompts are accepted upstream but adherence drops; 4000 chars is generous and catches pastes.
MAX_PROMPT_CHARS = 4000

# The vendor CLI waits 30 s per request; create gets longer because uploads of images can be slow.
POLL_REQUEST_TIMEOUT_S = 30.0
CREATE_REQUEST_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 10.0
# Sora 2 Pro renders take 1-5 minutes with a long tail past 10 for i2v: wait 30 minutes by default.
DEFAULT_WAIT_TIMEOUT_S = 1800.0

# Retries of a single poll request: enough to ride out a short outage, capped so a dead service
# is reported within about a minute.
POLL_RETRY_ATTEMPTS = 6
RETRY_BASE_S = 0.5
RETRY_CAP_S = 20.0
# A create refused with 429, or that never connected, is resent at most this many times.
CREATE_RETRY_ATTEMPTS = 4

# Upper bound on pixels we will decode from a reference image: far above 1280x720, far below a bomb.
MAX_IMAGE_PIXELS = 40_000_000
# Reference images over this many bytes are refused before decoding (upstream limits are lower).
MAX_IMAGE_BYTES = 25 * 1024 * 1024
# A truncated download is retried; three tries ride out a flaky link without hiding a broken one.
DOWNLOAD_ATTEMPTS = 3

# Decoded frames (Video.frames, filmstrips, frame compare) are cached per file up to this many
# bytes of pixels: eight 1280x720 stills are ~22 MB, so a handful of videos stay warm.
FRAME_CACHE_BYTES = 96 * 1024 * 1024
# Pixels per frame the frame and film helpers decode: twice a 1920x1080 frame, above every size
# the service makes; a small file declaring 4096x4096 would otherwise cost seconds and a GiB.
MAX_DECODE_PIXELS = 2048 * 2048
# At most this many stills per request: a filmstrip or compare row wider than this is unreadable.
MAX_FRAMES = 48
# Filmstrips the widgets show: this many stills, this tall (pixels), sent as one JPEG.
FILMSTRIP_FRAMES = 8
FILMSTRIP_HEIGHT = 72
# The one ceiling on every wait a server asks for (Retry-After on any status, 200 included):
# a render takes minutes, so a longer hint is more likely hostile or broken than useful, and
# asking again after a minute costs one request. No hint ever outlasts our own deadline either.
MAX_SERVER_HINT_S = 60.0
# A video we keep is at most this big (a 12 s 720p Sora clip is tens of MB): a server that sends
# more, or a small compressed answer that unpacks to more, cannot fill the disk.
MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
# A task that reports a status nobody documented is polled this long, then we stop and say so.
MAX_UNKNOWN_STATUS_S = 600.0
