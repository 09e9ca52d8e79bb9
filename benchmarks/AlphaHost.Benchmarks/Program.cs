using System.Globalization;
using AlphaHost.Benchmarks;
using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project benchmarks/AlphaHost.Benchmarks -- <offline [rounds]|features|cycle [cycles] [models_dir]|cycle-scale [cycles] [models_dir|pooled]|inference [rounds] [pooled_model_folder]|train|follow [drops]|first-cycles models_dir [from] [cycles]|soak [cycles]>
var what = args.Length > 0 ? args[0] : "";
switch (what)
{
    case "offline":
        return await OfflineBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    case "offline-one":
        return OfflineBenchmark.RunOne(args[1]);
    case "features":
        BenchmarkRunner.Run<FeatureBenchmarks>();
        break;
    case "cycle":
        await CycleBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000, args.Length > 2 ? args[2] : null);
        break;
    case "cycle-scale":
        await CycleBenchmark.ScaleAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000, args.Length > 2 ? args[2] : null);
        break;
    case "inference":
        return await InferenceBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5, args.Length > 2 ? args[2] : null);
    case "train":
        await TrainingBenchmark.RunAsync();
        break;
    case "follow":
        FollowBenchmark.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
        break;
    case "first-cycles":
        return await FirstCyclesBenchmark.RunAsync(args[1], args.Length > 2 ? DateOnly.Parse(args[2], CultureInfo.InvariantCulture) : new DateOnly(2018, 1, 2), args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5);
    case "soak":
        return await SoakRun.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000);
    default:
        Console.Error.WriteLine("usage: AlphaHost.Benchmarks offline [rounds] | features | cycle [cycles] [models_dir] | cycle-scale [cycles] [models_dir|pooled] | inference [rounds] [pooled_model_folder] | train | follow [drops] | first-cycles models_dir [from] [cycles] | soak [cycles]");
        return 2;
}

return 0;
