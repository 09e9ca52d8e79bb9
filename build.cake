// AlphaHost build script: dotnet tool restore && dotnet cake --target=<Build|Test|Publish|Bench>
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var runtime = Argument("runtime", "linux-x64");
var solution = "./AlphaHost.sln";
var publishDir = Directory($"./artifacts/alphahost-{runtime}");

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./**/bin/" + configuration);
    CleanDirectory("./artifacts");
});

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings { Configuration = configuration, NoBuild = true });
});

// A self-contained folder: the executable, plugins/, configs/ and contracts/, runnable on a machine without .NET.
Task("Publish")
    .IsDependentOn("Clean")
    .Does(() =>
{
    DotNetPublish("./host/AlphaHost.Host.csproj", new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = runtime,
        SelfContained = true,
        OutputDirectory = publishDir,
    });
    CopyFile("./deploy/alphahost.service", publishDir + File("alphahost.service"));
    Information($"Published to {publishDir}: run {publishDir}/alphahost run");
});

// Cycle latency and memory of the daemon over 500 sample symbols (see docs/performance.md).
Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    StartProcess("bash", new ProcessSettings { Arguments = $"scripts/bench-cycle.sh {configuration}" });
});

RunTarget(target);
