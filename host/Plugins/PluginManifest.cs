using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Plugins;

/// <summary>
/// What a plugin assembly exports, read from its metadata without loading it: no plugin code (no static constructor,
/// no module initializer) runs in the host to find out which families a folder holds. The worker that serves a family
/// is the first place the plugin's code runs.
/// </summary>
internal static partial class PluginManifest
{
    private const string AttributeNamespace = "AlphaHost.Abstractions";
    private const string AttributeName = nameof(AlphaFamilyAttribute);

    /// <summary>
    /// The families of every plugin folder under <paramref name="pluginsDir"/> that reads and that <paramref name="trust"/>
    /// allows; the others are left out, as the daemon skips them.
    /// </summary>
    public static IReadOnlyList<AlphaFamilyAttribute> ReadAll(string pluginsDir, Configuration.PluginTrustOptions trust)
    {
        var exports = new List<AlphaFamilyAttribute>();
        foreach (var folder in Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [])
        {
            try
            {
                exports.AddRange(ReadBuild(folder, trust).Exports);
            }
            catch (PluginLoadException)
            {
                // Not loadable: it exports nothing the configuration could name.
            }
        }

        return exports;
    }

    /// <summary>
    /// A plugin folder's build as the lifecycle takes it: its main assembly (allowed by <paramref name="trust"/>, when given),
    /// hashed, and the families it exports, read from its metadata. Throws <see cref="PluginLoadException"/> with the reason
    /// when the folder cannot serve a family.
    /// </summary>
    public static PluginBuild ReadBuild(string folder, Configuration.PluginTrustOptions? trust)
    {
        var name = Path.GetFileName(folder);
        try
        {
            var path = PluginFolder.MainAssembly(folder);
            var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
            if (trust?.Refusal(name, sha256) is { } refusal)
            {
                throw new PluginLoadException(folder, refusal);
            }

            var exports = Read(folder, path);
            if (exports.Count == 0)
            {
                throw new PluginLoadException(folder, $"{Path.GetFileName(path)} exports no family (no class implementing IAlphaFamily with [AlphaFamily])");
            }

            var assembly = System.Reflection.AssemblyName.GetAssemblyName(path);
            return new PluginBuild(new PluginInfo(folder, path, assembly.Name ?? name, VersionOf(path), "per family (host.family_isolation)", sha256), exports);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            throw new PluginLoadException(folder, PluginAssembly.Describe(ex), ex);
        }
    }

    /// <summary>Every plugin folder as <c>plugins list</c> and <c>config validate</c> see it, read from metadata: no family is loaded or started.</summary>
    public static IReadOnlyList<PluginInspection> Inspect(string pluginsDir)
    {
        var result = new List<PluginInspection>();
        foreach (var folder in Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [])
        {
            try
            {
                var build = ReadBuild(folder, trust: null);
                result.Add(new PluginInspection(folder, build.Info, build.Exports, null));
            }
            catch (PluginLoadException ex)
            {
                result.Add(new PluginInspection(folder, null, [], ex.Reason));
            }
        }

        return result;
    }

    /// <summary>
    /// Whether the class exporting <paramref name="family"/> implements <paramref name="capability"/> (itself or through a
    /// base class of the same assembly), read from metadata: an offline command that needs one capability starts only
    /// the families that declare it.
    /// </summary>
    public static bool Declares(string assemblyPath, string family, Type capability)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (!type.GetCustomAttributes().Any(a => IsAlphaFamilyAttribute(reader, reader.GetCustomAttribute(a))
                && reader.GetCustomAttribute(a).DecodeValue(new NameProvider()).FixedArguments is [{ Value: string name }] && name == family))
            {
                continue;
            }

            for (TypeDefinition? current = type; current is { } t; current = t.BaseType.Kind == HandleKind.TypeDefinition ? reader.GetTypeDefinition((TypeDefinitionHandle)t.BaseType) : null)
            {
                foreach (var implementation in t.GetInterfaceImplementations())
                {
                    if (reader.GetInterfaceImplementation(implementation).Interface is { Kind: HandleKind.TypeReference } reference
                        && reader.GetTypeReference((TypeReferenceHandle)reference) is var named
                        && reader.StringComparer.Equals(named.Name, capability.Name) && reader.StringComparer.Equals(named.Namespace, capability.Namespace ?? ""))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        return false;
    }

    /// <summary>The families exported by <paramref name="assemblyPath"/>, after checking its contract version.</summary>
    public static IReadOnlyList<AlphaFamilyAttribute> Read(string folder, string assemblyPath)
    {
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw new PluginLoadException(folder, $"not a valid .NET assembly ({Path.GetFileName(assemblyPath)} has no metadata)");
            }

            var reader = pe.GetMetadataReader();
            CheckContract(folder, reader);
            var exports = new List<AlphaFamilyAttribute>();
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                if ((type.Attributes & System.Reflection.TypeAttributes.Abstract) != 0)
                {
                    continue;
                }

                foreach (var attributeHandle in type.GetCustomAttributes())
                {
                    var attribute = reader.GetCustomAttribute(attributeHandle);
                    if (IsAlphaFamilyAttribute(reader, attribute))
                    {
                        exports.Add(Decode(folder, attribute));
                    }
                }
            }

            return exports;
        }
        catch (Exception ex) when (ex is BadImageFormatException or InvalidOperationException)
        {
            throw new PluginLoadException(folder, $"not a valid .NET assembly ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// The plugin's product version as every listing shows it: its informational version less the commit suffix
    /// (<c>0.1.0</c>), else its assembly version. The assembly version (<c>1.0.0.0</c>) names the plugin contract, not the build.
    /// </summary>
    public static string VersionOf(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var assembly = reader.GetAssemblyDefinition();
        foreach (var handle in assembly.GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind == HandleKind.MemberReference
                && reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is { Kind: HandleKind.TypeReference } parent
                && reader.GetTypeReference((TypeReferenceHandle)parent) is var type
                && reader.StringComparer.Equals(type.Name, nameof(System.Reflection.AssemblyInformationalVersionAttribute))
                && attribute.DecodeValue(new NameProvider()).FixedArguments is [{ Value: string informational }])
            {
                return informational.Split('+')[0];
            }
        }

        return assembly.Version.ToString();
    }

    private static void CheckContract(string folder, MetadataReader reader)
    {
        var contract = typeof(IAlphaFamily).Assembly.GetName();
        var name = reader.GetString(reader.GetAssemblyDefinition().Name);
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.GetString(reference.Name) != contract.Name)
            {
                continue;
            }

            if (reference.Version.Major != contract.Version?.Major)
            {
                throw new PluginLoadException(folder,
                    $"built for plugin contract v{reference.Version.Major}, this host speaks v{contract.Version?.Major}; rebuild the plugin against this AlphaHost");
            }

            return;
        }

        throw new PluginLoadException(folder, $"{name} does not reference {contract.Name}; it is not an alpha family plugin");
    }

    private static bool IsAlphaFamilyAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        var parent = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        var type = reader.GetTypeReference((TypeReferenceHandle)parent);
        return reader.StringComparer.Equals(type.Name, AttributeName) && reader.StringComparer.Equals(type.Namespace, AttributeNamespace);
    }

    private static AlphaFamilyAttribute Decode(string folder, CustomAttribute attribute)
    {
        var value = attribute.DecodeValue(new NameProvider());
        if (value.FixedArguments.Length != 1 || value.FixedArguments[0].Value is not string name)
        {
            throw new PluginLoadException(folder, "an [AlphaFamily] attribute has no name");
        }

        if (!FamilyName.IsValid(name))
        {
            throw new PluginLoadException(folder, $"family name '{name}' is not lower case letters, digits and underscores");
        }

        string? flag = null;
        var flagDefault = true;
        var model = false;
        string[] folders = [];
        string[] settings = [];
        foreach (var named in value.NamedArguments)
        {
            switch (named.Name)
            {
                case nameof(AlphaFamilyAttribute.FeatureFlag):
                    flag = named.Value as string;
                    break;
                case nameof(AlphaFamilyAttribute.FeatureFlagDefault):
                    flagDefault = named.Value is true;
                    break;
                case nameof(AlphaFamilyAttribute.IsModelFamily):
                    model = named.Value is true;
                    break;
                case nameof(AlphaFamilyAttribute.InstanceFolders) when named.Value is ImmutableArray<CustomAttributeTypedArgument<string>> items:
                    folders = items.Select(i => i.Value).OfType<string>().ToArray();
                    break;
                case nameof(AlphaFamilyAttribute.Settings) when named.Value is ImmutableArray<CustomAttributeTypedArgument<string>> items:
                    settings = items.Select(i => i.Value).OfType<string>().ToArray();
                    break;
            }
        }

        var export = new AlphaFamilyAttribute(name) { FeatureFlag = flag, FeatureFlagDefault = flagDefault, IsModelFamily = model, InstanceFolders = folders, Settings = settings };
        return export;
    }

    /// <summary>Enough of a type provider to decode the attribute's string, string array and bool arguments.</summary>
    private sealed class NameProvider : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
