using AlphaHost.Abstractions;
using YamlDotNet.RepresentationModel;

namespace AlphaHost.TestPlugins;

/// <summary>
/// Parses a YAML snippet with whatever YamlDotNet version its plugin ships and reports that version in its health
/// detail; its signal is the parsed value. Built twice, against two major versions of YamlDotNet.
/// </summary>
[AlphaFamily(FamilyName)]
public sealed class YamlVersionFamily : IAlphaFamily
{
#if YAML_OLD
    public const string FamilyName = "yaml_old";
#else
    public const string FamilyName = "yaml_new";
#endif

    private double _value;

    public FamilyHealth Health { get; private set; } = FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("value: 0.25"));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        _value = double.Parse(((YamlScalarNode)root.Children[new YamlScalarNode("value")]).Value!, System.Globalization.CultureInfo.InvariantCulture);
        var version = typeof(YamlStream).Assembly.GetName().Version!;
        Health = new FamilyHealth(FamilyState.Ok, 0, $"YamlDotNet {version.Major}.{version.Minor}");
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new FamilySignals(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => _value)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
