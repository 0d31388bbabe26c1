"""Jupyter widgets (anywidget): PromptBuilder, StatusBar, VideoPlayer, Studio, Gallery, PromptLab.

Each widget is one module here with its front end in ``static/<name>.js`` (an ES module that
imports its helpers, parts and ``<name>.css``), bundled into ``static/dist/`` by
``npm run build``. Import them from :mod:`sora_widgets` (loaded lazily).
"""
