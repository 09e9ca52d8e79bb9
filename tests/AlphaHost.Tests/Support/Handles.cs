using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;

namespace AlphaHost.Tests.Support;

/// <summary>Family handles and configs for runner tests, without loading a plugin.</summary>
internal static class Handles
{
    public static FamilyHandle For(IAlphaFamily family, string name, string? featureFlag = null, bool model = false) =>
        new(name, new AlphaFamilyAttribute(name) { FeatureFlag = featureFlag, IsModelFamily = model }, family,
            new PluginInfo("/plugins/" + name, "/plugins/" + name + "/x.dll", "x", "1.0", name, ""), FamilyConfig.Absent);

    public static AlphaHostConfig Config(string yaml) => ConfigLoader.Parse("test.yaml", yaml);
}
