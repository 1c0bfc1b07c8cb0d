"""Image and chat providers: the only place (with sync/) that talks to the network.

Modules:
    base: ImageProvider, ImageRequest, ImageResult, InputImage, CancelToken.
    errors: the error types every provider raises (one readable line each).
    offline: the offline preview provider (no AI).
    gemini / openai_images: the real image providers (httpx).
    chat: chat providers for the coach (Gemini SSE, OpenAI-compatible SSE).
    factory: build providers by name (``--provider gemini|openai|offline``).
    retry: the one retry policy (3 retries, 1/2/4 s full jitter, server delays).
    transport: cancellable requests, httpx failures as provider errors.
    images: input images fitted to a service's limits; output images checked.
    gemini_wire / openai_wire: each service's URLs, auth headers and error mapping.
"""
