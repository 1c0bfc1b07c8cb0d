"""The prompt templates (``<asset_type>/v<version>.yaml``) and the coach's system prompt.

Installed as the package ``studio_app._prompts``; code finds them through
``studio_app.resources.prompts_dir()`` (``$STUDIO_PROMPTS_DIR`` overrides it).
"""
