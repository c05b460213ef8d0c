"""The human correction loop with Label Studio: server, labeling config, tasks out, annotations back.

Submodules import the Label Studio SDK lazily, so `import stance.labelstudio` stays cheap.
"""
