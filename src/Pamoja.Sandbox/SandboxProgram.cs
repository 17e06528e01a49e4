namespace Pamoja.Sandbox;

// A named entry point instead of top-level statements: Pamoja.Web's tests reference this
// assembly and the web app's together, and two generated global `Program` classes would clash.
public static class SandboxProgram
{
    public static Task Main(string[] args) => SandboxApp.Build(args).RunAsync();
}
