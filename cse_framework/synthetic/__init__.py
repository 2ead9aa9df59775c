# The shape of the synthetic data set; the benchmark harness keeps one database per version, so
# bump it whenever a generator module learns a new kind of object.
# 8: history dated as the work happened (each row created at its own time, later changes as "~"
# rows at theirs), so returns counted from history see past quarters (D20).
GENERATOR_VERSION = 8
