namespace Testbed.Engine.Connections;

/// <summary>The connection was torn down; request body reads fail with this.</summary>
public sealed class ConnectionAbortedException(string reason) : IOException(reason);
