using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Robustness;

/// <summary>
/// The config loader against malformed input: every file of the corpus (<c>Corpus/config</c>, each naming the error it
/// must produce in its first line) and a seeded fuzz loop over mutations of the golden config. Loading either succeeds
/// or raises a <see cref="ConfigException"/> naming a line and key: no other exception, no hang.
/// </summary>
public sealed class ConfigFuzzTests
{
    private static readonly string[] Tokens =
    [
        ":", ": ", "- ", "  ", "\t", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!binary ", "!<tag:yaml.org,2002:int> ", "? ", "|", ">", "#",
        "'", "\"", "%YAML 1.2\n", "---\n", "...\n", "\0", "\u2028", "\uFEFF", "9999999999999999999999", "-1", "NaN", "1e309", "0x10", "~", "null",
        "true", "yes", "1ms", "-5s", "families:\n  x:\n    ", "host:\n", "  enabled: maybe\n", "<<: *a\n", "\\", "\ud800",
    ];

    public static TheoryData<string> CorpusFiles() => new(Directory.GetFiles(Path.Combine(TestPaths.TestSource, "Robustness", "Corpus", "config"), "*.yaml")
        .Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Load_CorpusFile_IsRefusedWithTheErrorItNames(string name)
    {
        var path = Path.Combine(TestPaths.TestSource, "Robustness", "Corpus", "config", name);
        var expected = File.ReadLines(path).First().TrimStart('#', ' ');
        Assert.StartsWith("expect: ", expected);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Contains(expected["expect: ".Length..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeededMutationsOfTheGoldenConfig_LoadOrFailWithAConfigException()
    {
        var golden = File.ReadAllText(TestPaths.GoldenConfig);
        var mutator = new Mutator(seed: 20261124, Tokens);
        var refused = 0;
        for (var i = 0; i < 3000; i++)
        {
            var input = mutator.Mutate(golden);
            try
            {
                ConfigLoader.Parse("fuzz.yaml", input);
            }
            catch (ConfigException error)
            {
                refused++;
                Assert.StartsWith("fuzz.yaml", error.Message);
            }
            catch (Exception ex)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"alphahost-config-crash-{i}.yaml");
                File.WriteAllText(saved, input);
                Assert.Fail($"mutation {i} crashed the loader with {ex.GetType().Name}: {ex.Message}; input saved to {saved} (add it to Robustness/Corpus/config)");
            }
        }

        Assert.InRange(refused, 300, 2900);
    }
}
