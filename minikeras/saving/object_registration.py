"""Custom objects: `register_keras_serializable`, `CustomObjectScope`, `custom_objects=`."""

_GLOBAL_CUSTOM_OBJECTS = {}
_scope_stack = []


def register_keras_serializable(package="Custom", name=None):
    """Decorator: make a class or function findable by name (`"package>Name"`)."""

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if registered in _GLOBAL_CUSTOM_OBJECTS:
            raise ValueError(f"{registered} has already been registered to {_GLOBAL_CUSTOM_OBJECTS[registered]}")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        obj._registered_name = registered
        return obj

    return decorator


def get_registered_name(obj):
    """The name `obj` was registered under, or its own name."""
    return getattr(obj, "_registered_name", None) or getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Find `name` among the scoped, passed, registered and module objects."""
    for scope in reversed(_scope_stack):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    # A registered object is also found by its bare name.
    for key, obj in _GLOBAL_CUSTOM_OBJECTS.items():
        if key.split(">", 1)[-1] == name:
            return obj
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects():
    """The global table of registered custom objects (mutable, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` makes the names resolvable inside."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scope_stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack.pop()
        return False


custom_object_scope = CustomObjectScope
