"""The cases of a cli test module, registered in order and run by tests/run.py.

    TESTS = Cases("init/")     # the prefix of the case names (none: the bare names)
    test = TESTS.add           # @test over def t_xxx(ctx, d): a case named init/xxx

    run = TESTS.run            # the module's run(ctx): each case in a fresh folder of its name

A case t_xxx is named prefix + "xxx" and gets ctx.fresh(under…, that name with "/" as "-").
listing(d) is what a case finds written below a folder.
"""
import os


def listing(d):
    """Every file below d, relative to it, sorted."""
    out = []
    for base, _, files in os.walk(d):
        out += [os.path.relpath(os.path.join(base, f), d) for f in files]
    return sorted(out)



class Cases(list):
    def __init__(self, prefix="", under=()):
        super().__init__()
        self.prefix, self.under = prefix, tuple(under)

    def add(self, fn):
        self.append(fn)
        return fn

    def run(self, ctx, skip=()):
        """Every case in order, but those named in skip."""
        for fn in self:
            name = self.prefix + fn.__name__[2:]
            if name in skip:
                continue
            ctx.case(name, fn, ctx, ctx.fresh(*self.under, name.replace("/", "-")))
