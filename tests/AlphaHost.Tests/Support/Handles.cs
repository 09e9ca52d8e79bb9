using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Plugins;

namespace AlphaHost.Tests.Support;

/// <summary>Family handles and configs for runner tests, without loading a plugin.</summary>
internal static class Handles
{
    public static FamilySlot For(IAlphaFamily family, string name, string? featureFlag = null, bool model = false, TimeProvider? clock = null) =>
        new(new AlphaFamilyAttribute(name) { FeatureFlag = featureFlag, IsModelFamily = model },
            new PluginInfo("/plugins/" + name, "/plugins/" + name + "/x.dll", "x", "1.0", name, ""), clock ?? TimeProvider.System)
        {
            Endpoint = InProcessEndpoint.ForInstance(family),
        };

    public static AlphaHostConfig Config(string yaml) => ConfigLoader.Parse("test.yaml", yaml);
}
