using System.Reflection;
using AlphaHost.Host.Plugins;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Plugins;

public sealed class PluginManifestTests
{
    [Theory]
    [InlineData("Momentum")]
    [InlineData("MlAlpha")]
    public void VersionOf_ShippedPlugin_IsTheProductVersionOperatorsSeeEverywhere_NotTheContractsAssemblyVersion(string folder)
    {
        var path = PluginFolder.MainAssembly(Path.Combine(TestPaths.ShippedPlugins, folder));
        var product = typeof(PluginManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        var version = PluginManifest.VersionOf(path);

        Assert.Equal(product, version);
        Assert.NotEqual(AssemblyName.GetAssemblyName(path).Version!.ToString(), version);
    }
}
