"""Audio and video files on disk: stills and filmstrips (:mod:`.frames`), probing, last frames
and joining films (:mod:`.film`). Both decode with PyAV; neither knows the network or a screen.
"""
