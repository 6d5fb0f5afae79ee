namespace Testbed.Engine.App;

/// <summary>The application: called once per request, on the scheduler. The response ends when the task does.</summary>
public delegate Task RequestDelegate(HttpContext context);
