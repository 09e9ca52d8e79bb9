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

    [Fact]
    public void Inspect_ListsExportsAndUnloadableFolders()
    {
        using var dir = new TempDir();
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "Faulty"), dir.File("plugins/Faulty"));
        dir.Write("plugins/Garbage/Garbage.dll", "nope");

        var inspections = PluginManifest.Inspect(dir.File("plugins"));

        Assert.Equal(["chaos", "garbage_values", "hanging", "hungry", "throwing"], inspections.Single(i => i.Folder.EndsWith("Faulty")).Exports.Select(e => e.Name).Order());
        Assert.Contains("not a valid .NET assembly", inspections.Single(i => i.Folder.EndsWith("Garbage")).Error);
    }

    [Theory]
    [InlineData("ml_alpha", typeof(Abstractions.IFeatureSource), true)]
    [InlineData("ml_alpha", typeof(Abstractions.IOperatorControls), true)]
    [InlineData("momentum", typeof(Abstractions.IFeatureSource), false)]
    public void Declares_ReadsTheFamilysInterfacesFromMetadata(string family, Type capability, bool expected)
    {
        var folder = family == "ml_alpha" ? "MlAlpha" : "Momentum";
        var path = PluginFolder.MainAssembly(Path.Combine(TestPaths.ShippedPlugins, folder));

        Assert.Equal(expected, PluginManifest.Declares(path, family, capability));
    }

    [Fact]
    public void Read_ShippedFamily_DeclaresItsSettingsKeysFromMetadata()
    {
        var folder = Path.Combine(TestPaths.ShippedPlugins, "Momentum");

        var export = Assert.Single(PluginManifest.Read(folder, PluginFolder.MainAssembly(folder)));

        Assert.Contains("lookback_days", export.Settings);
    }
}
