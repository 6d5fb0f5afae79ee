using Testbed.Cli;

SignalDefaults.RestoreInterrupt();
return await TestbedCommandLine.RunAsync(args);
