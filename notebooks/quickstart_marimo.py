import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _(mo):
    mo.md(r"""
    # Quickstart in marimo: a video from a prompt

    **No key? No problem.** Without a `VTRIX_API_KEY`, `sora_widgets` uses its built-in
    **simulator**: it answers like the Vtrix service and renders real MP4 files (captioned
    *SIMULATED*). Nothing is sent anywhere and nothing is billed.

    Open it with `marimo edit notebooks/quickstart_marimo.py` (or `marimo run` as an app).
    Every widget is an anywidget: show it as a cell's last expression, or wrap it in
    `mo.ui.anywidget(...)` to read its state from other cells.
    """)
    return


@app.cell
def _():
    import marimo as mo

    import sora_widgets as sw

    client = sw.SoraClient()  # no key configured: the built-in simulator
    return client, mo, sw


@app.cell
def _(mo):
    mo.md(r"""
    ## 1. A video from code

    `generate_sync` blocks until the video is ready and returns a `Video`: what was asked, what
    it cost, and where the file is. A `Video` as the last expression of a cell plays.
    """)
    return


@app.cell
def _(client):
    video = client.generate_sync(
        prompt="Close-up of a paper boat drifting on a rain puddle, soft morning light",
        size="1280x720",
        seconds=4,
    )
    video
    return (video,)


@app.cell
def _(mo, sw, video):
    mo.md(r"""
    The same video in a `VideoPlayer`, wrapped by marimo's `mo.ui.anywidget` (its `.value`
    follows the player's state, so other cells can react to it):
    """)
    player = mo.ui.anywidget(sw.VideoPlayer(video))
    player
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. Describe a shot, follow the job

    The `PromptBuilder` shows the price before anything is sent; the `StatusBar` follows a
    generation that runs in the background, so other cells keep working meanwhile.
    """)
    return


@app.cell
def _(mo, sw):
    builder = sw.PromptBuilder()
    builder.text = "Wide shot of a red kite dancing over a windy beach at dusk, slow pan"
    builder.orientation = "landscape"
    bar = sw.StatusBar(label="kite")
    mo.vstack([builder, bar])
    return bar, builder


@app.cell
async def _(bar, builder, client):
    task = await client.create(builder.request)
    job = bar.watch(task, client)  # polls in the background; the bar shows every update
    return (job,)


@app.cell
async def _(job):
    kite = await job  # the Video, once the background job has finished
    kite
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 3. The Studio: all of it in one widget

    Type a prompt, pick the orientation and length (the price shows before anything is sent),
    press **Generate**: a status line follows the job, the player plays the result, and the strip
    keeps every video of the session (click one to play it again; **Remix** makes a variation).
    Code can drive it too: here it starts one generation the way the Generate button does.
    """)
    return


@app.cell
async def _(client, sw):
    studio = sw.Studio(client)
    studio.builder.text = "Medium shot of a lighthouse keeper climbing a spiral staircase, warm lamp light"
    studio.builder.orientation = "landscape"
    first = studio.generate()  # a Job: the cell returns at once, the Studio follows it
    studio
    return first, studio


@app.cell
async def _(first, mo, studio):
    made = await first  # the Video, also studio.last
    mo.md(f"The Studio made *{made.prompt}* ({made.size}, {made.seconds} s; {len(studio.results)} so far).")
    return


@app.cell
def _(client, mo):
    mo.md(r"""
    Every task is written to a journal on disk before the first status check:
    `client.history` lists past videos, and `client.resume_sync()` finishes any that were
    still running when the notebook stopped.
    """)
    client.history
    return


if __name__ == "__main__":
    app.run()
