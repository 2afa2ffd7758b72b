using System.Reflection;
using System.Reflection.Emit;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.UnitTests.Architecture;

/// <summary>
/// Every type a type uses: in its signatures (base type, interfaces, fields, properties, parameters,
/// return types) and in its method bodies (the type, field and method tokens of the IL). Compiler-made
/// nested types (lambdas, async state machines) are visited with their declaring type.
/// </summary>
internal static class IlReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static HashSet<Type> TypesUsedBy(Type type)
    {
        var used = new HashSet<Type>();
        Add(used, type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(used, i);
        }
        foreach (var field in type.GetFields(All))
        {
            Add(used, field.FieldType);
        }
        foreach (var property in type.GetProperties(All))
        {
            Add(used, property.PropertyType);
        }
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(used, info.ReturnType);
            }
            foreach (var parameter in method.GetParameters())
            {
                Add(used, parameter.ParameterType);
            }
            foreach (var member in BodyReferences(method))
            {
                switch (member)
                {
                    case Type t:
                        Add(used, t);
                        break;
                    case FieldInfo f:
                        Add(used, f.DeclaringType);
                        Add(used, f.FieldType);
                        break;
                    case MethodBase m:
                        Add(used, m.DeclaringType);
                        if (m is MethodInfo mi)
                        {
                            Add(used, mi.ReturnType);
                            foreach (var arg in mi.IsGenericMethod ? mi.GetGenericArguments() : [])
                            {
                                Add(used, arg);
                            }
                        }
                        break;
                }
            }
        }
        foreach (var nested in type.GetNestedTypes(All))
        {
            used.UnionWith(TypesUsedBy(nested));
        }
        return used;
    }

    private static void Add(HashSet<Type> used, Type? type)
    {
        while (type is not null && (type.IsArray || type.IsByRef || type.IsPointer))
        {
            type = type.GetElementType();
        }
        if (type is null || type.IsGenericParameter || !used.Add(type))
        {
            return;
        }
        if (type.IsGenericType)
        {
            Add(used, type.GetGenericTypeDefinition());
            foreach (var arg in type.GetGenericArguments())
            {
                Add(used, arg);
            }
        }
    }

    private static IEnumerable<MemberInfo> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var pos = 0;
        while (pos < il.Length)
        {
            short value = il[pos++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[pos++]));
            }
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    pos += 1;
                    break;
                case OperandType.InlineVar:
                    pos += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    pos += 8;
                    break;
                case OperandType.InlineSwitch:
                    pos += 4 + (BitConverter.ToInt32(il, pos) * 4);
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, pos);
                    pos += 4;
                    MemberInfo? member;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (ArgumentException)
                    {
                        member = null;
                    }
                    if (member is not null)
                    {
                        yield return member;
                    }
                    break;
                default:
                    pos += 4;
                    break;
            }
        }
    }
}
