"""``key__like``: SQL LIKE on a vehicle's key, so a partial plate ('AB12C__', 'AB12%') finds
the full plates it may be with the key's pattern index (PostgreSQL varchar_pattern_ops). Keys
hold only A-Z, 0-9 and '?', so a pattern needs no escaping."""

from django.db.models import Lookup

from intelligence.models import Vehicle


class Like(Lookup):
    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


Vehicle._meta.get_field("key").register_lookup(Like)
