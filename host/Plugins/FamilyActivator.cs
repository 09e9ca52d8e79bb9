using System.Reflection;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Plugins;

/// <summary>
/// Finds a plugin assembly's exported families by assembly scanning (Scrutor) and constructs them through DI, with a
/// logger factory that names each family as <c>component</c> and the host's clock. Runs plugin code (constructors):
/// the daemon calls it only inside a worker process or under a budget.
/// </summary>
internal static class FamilyActivator
{
    /// <param name="folder">The plugin folder (for error messages).</param>
    /// <param name="assembly">The plugin's main assembly, loaded in its own context.</param>
    /// <param name="loggerFactory">Where the families' loggers write.</param>
    /// <param name="clock">The clock families get.</param>
    /// <param name="only">Construct only the family of this name (a worker serves one); null constructs every one.</param>
    /// <param name="capability">Construct only the families whose class implements this interface (an offline command
    /// that needs one capability); null constructs every one.</param>
    /// <param name="instance">The configured instance the one family constructed serves (with <paramref name="only"/>): every
    /// logger of the plugin then names it as <c>component</c>. Null names each family's class by the family.</param>
    public static IReadOnlyList<(AlphaFamilyAttribute Export, IAlphaFamily Family)> Activate(string folder, Assembly assembly, ILoggerFactory loggerFactory,
        TimeProvider clock, string? only, Type? capability = null, string? instance = null)
    {
        var services = new ServiceCollection();
        services.Scan(scan => scan.FromAssemblies(assembly)
            .AddClasses(classes => classes.AssignableTo<IAlphaFamily>().WithAttribute<AlphaFamilyAttribute>(), publicOnly: false)
            .AsSelf()
            .WithTransientLifetime());
        var exported = services.Select(d => d.ServiceType).ToList();
        var familyByCategory = exported.ToDictionary(t => t.FullName!.Replace('+', '.'), t => instance ?? t.GetCustomAttribute<AlphaFamilyAttribute>()!.Name);
        var fallback = instance ?? (familyByCategory.Count == 1 ? familyByCategory.Values.Single() : only ?? Path.GetFileName(folder));
        services.AddSingleton<ILoggerFactory>(new ComponentLoggerFactory(loggerFactory, familyByCategory, fallback));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(clock);
        var provider = services.BuildServiceProvider();
        var result = new List<(AlphaFamilyAttribute, IAlphaFamily)>();
        foreach (var type in exported)
        {
            var export = type.GetCustomAttribute<AlphaFamilyAttribute>()!;
            if (!FamilyName.IsValid(export.Name))
            {
                throw new PluginLoadException(folder, $"family name '{export.Name}' is not lower case letters, digits and underscores");
            }

            if ((only is null || export.Name == only) && (capability is null || capability.IsAssignableFrom(type)))
            {
                result.Add((export, (IAlphaFamily)provider.GetRequiredService(type)));
            }
        }

        return only is not null && result.Count == 0
            ? throw new PluginLoadException(folder, $"exports no family named '{only}'")
            : result;
    }
}
