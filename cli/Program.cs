using Testbed.Cli;

return await TestbedCommandLine.RunAsync(args);
