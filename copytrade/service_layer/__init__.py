"""The use cases: each opens a unit of work, calls the domain and the copy pipeline,
and commits; ``Platform`` is the object the entry points drive."""
