"""Jupyter widgets (anywidget): PromptBuilder, StatusBar, VideoPlayer, Studio, Gallery, PromptLab.

Each widget is one module here with its plain-ESM front end in ``static/<name>.js`` and its
styles in ``static/<name>.css``. Import them from :mod:`sora_widgets` (loaded lazily).
"""
