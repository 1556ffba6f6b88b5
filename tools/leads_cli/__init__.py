"""`leads`: the operator's command line (API keys) and the local run (`leads serve`).

Never deployed: nothing here is in the layer or a function folder.
"""
