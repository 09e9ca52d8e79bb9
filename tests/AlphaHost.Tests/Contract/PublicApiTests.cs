using System.Reflection;
using AlphaHost.Abstractions;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Contract;

/// <summary>
/// The plugin contract is what third-party families are built against: any change to its public surface must be
/// deliberate. This test compares it with the approved listing; to approve a change, copy the received file over
/// the approved one (and bump the contract's major version if the change breaks existing plugins).
/// </summary>
public sealed class PublicApiTests
{
    private static string Approved => Path.Combine(TestPaths.RepoRoot, "tests", "AlphaHost.Tests", "Contract", "AlphaHost.Abstractions.approved.txt");

    [Fact]
    public void Abstractions_PublicSurface_MatchesTheApprovedListing()
    {
        var received = string.Join('\n', Describe(typeof(IAlphaFamily).Assembly)) + "\n";
        var approved = File.Exists(Approved) ? File.ReadAllText(Approved) : "";

        if (received != approved)
        {
            File.WriteAllText(Path.ChangeExtension(Approved, ".received.txt"), received);
            Assert.Fail($"The public API of AlphaHost.Abstractions changed. Review {Path.ChangeExtension(Approved, ".received.txt")} and, if intended, copy it to {Approved}.");
        }
    }

    [Fact]
    public void Abstractions_DependsOnlyOnTheBclAndLoggingAbstractions()
    {
        var references = typeof(IAlphaFamily).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "Microsoft.Extensions.Logging.Abstractions", name));
    }

    private static IEnumerable<string> Describe(Assembly assembly)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                .Concat(type.GetInterfaces()).Select(t => Name(t!)).Order(StringComparer.Ordinal);
            yield return $"{Kind(type)} {type.FullName}{(bases.Any() ? " : " + string.Join(", ", bases) : "")}";
            var members = type.GetMembers(Declared)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && !(type.IsEnum && m.Name == "value__"))
                .Select(Member)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                yield return "  " + member;
            }
        }
    }

    private static string Kind(Type type) => type switch
    {
        { IsInterface: true } => "interface",
        { IsEnum: true } => "enum",
        { IsValueType: true } => "struct",
        { IsAbstract: true, IsSealed: true } => "static class",
        { IsSealed: true } => "sealed class",
        _ => "class",
    };

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? Setter(p.SetMethod) : "")} }}",
        FieldInfo f => $"{(f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.ToString()!,
    };

    private static string Setter(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)) ? " init;" : " set;";

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"));

    private static string Name(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>"
        : type.Name;
}
