# The shape of the synthetic data set; the benchmark harness keeps one database per version, so
# bump it whenever a generator module learns a new kind of object.
GENERATOR_VERSION = 7
