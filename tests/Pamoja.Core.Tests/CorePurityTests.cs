namespace Pamoja.Core.Tests;

/// Pamoja.Core holds the money maths and rules; it must stay free of databases, HTTP and
/// frameworks so that every rule can be tested in microseconds and reasoned about alone.
public sealed class CorePurityTests
{
    [Fact]
    public void Core_references_only_the_base_class_library()
    {
        var references = typeof(Pamoja.Core.Phones.PhoneNumber).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(n => !(n == "System" || n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard" or "mscorlib")).ToList();
        Assert.True(foreign.Count == 0, "Pamoja.Core references: " + string.Join(", ", foreign));
    }
}
