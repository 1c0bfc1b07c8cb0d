"""The prompt coach: sessions that start from the canvas and end in an asset.

``CoachService`` (service.py) is what the GUI uses; the other modules are its parts:

- models.py: settings, requests, errors and the ChatEngine protocol;
- sessions.py: sessions in memory and in the store (open, save, expire, list, delete);
- session_context.py: the session's CoachContext and the prompt rebuilt from it;
- chat.py: turns (the offline guided coach, or an LLM's streamed reply);
- streaming.py: the pool workers that stream a reply or test a connection;
- generate.py: the generate bridge (Generate Now as a GenerationService job);
- engines.py: the LLM engine built from the settings (imported on its own; it loads providers).
"""

# The package's face: the service and what callers hand it or catch from it. Everything else
# (limits, the ChatEngine protocol, the narrower errors) is imported from .models by name.
from .models import CoachError, CoachSettings, StartCoachRequest
from .service import CoachService

__all__ = ["CoachError", "CoachService", "CoachSettings", "StartCoachRequest"]
