package io.stage1xen.json;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.std.ReferenceTypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.ReferenceTypeSerializer;
import com.fasterxml.jackson.databind.type.ReferenceType;
import com.fasterxml.jackson.databind.type.TypeBindings;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.type.TypeModifier;
import com.fasterxml.jackson.databind.util.NameTransformer;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * {@link Optional} record components, the way jackson-datatype-jdk8 handles them (which we may not depend on):
 * JSON null or a missing field reads as empty, empty is left out when writing. Jackson's reference-type support
 * does the work; this only declares Optional a reference type and says how to wrap and unwrap it.
 */
final class OptionalModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  OptionalModule() {
    super("stage1-xen-optional");
  }

  @Override
  public void setupModule(SetupContext context) {
    super.setupModule(context);
    context.addTypeModifier(new TypeModifier() {
      @Override
      public JavaType modifyType(JavaType type, Type jdkType, TypeBindings bindings, TypeFactory typeFactory) {
        if (type.isReferenceType() || type.isContainerType() || type.getRawClass() != Optional.class) {
          return type;
        }
        return ReferenceType.upgradeFrom(type, type.containedTypeOrUnknown(0));
      }
    });
    context.addDeserializers(new Deserializers.Base() {
      @Override
      public JsonDeserializer<?> findReferenceDeserializer(ReferenceType refType, DeserializationConfig config,
          BeanDescription beanDesc, TypeDeserializer contentTypeDeserializer,
          JsonDeserializer<?> contentDeserializer) {
        return refType.hasRawClass(Optional.class)
            ? new OptionalDeserializer(refType, contentTypeDeserializer, contentDeserializer) : null;
      }
    });
    context.addSerializers(new Serializers.Base() {
      @Override
      public JsonSerializer<?> findReferenceSerializer(SerializationConfig config, ReferenceType refType,
          BeanDescription beanDesc, TypeSerializer contentTypeSerializer,
          JsonSerializer<Object> contentValueSerializer) {
        return refType.hasRawClass(Optional.class)
            ? new OptionalSerializer(refType, contentTypeSerializer, contentValueSerializer) : null;
      }
    });
  }

  private static final class OptionalDeserializer extends ReferenceTypeDeserializer<Optional<?>> {
    private static final long serialVersionUID = 1L;

    OptionalDeserializer(JavaType fullType, TypeDeserializer typeDeserializer, JsonDeserializer<?> deserializer) {
      super(fullType, null, typeDeserializer, deserializer);
    }

    @Override
    protected OptionalDeserializer withResolved(TypeDeserializer typeDeserializer,
        JsonDeserializer<?> deserializer) {
      return new OptionalDeserializer(_fullType, typeDeserializer, deserializer);
    }

    @Override
    public Optional<?> getNullValue(DeserializationContext ctxt) {
      return Optional.empty();
    }

    @Override
    public Object getEmptyValue(DeserializationContext ctxt) {
      return Optional.empty();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
      return Optional.empty();
    }

    @Override
    public Optional<?> referenceValue(Object contents) {
      return Optional.ofNullable(contents);
    }

    @Override
    public Optional<?> updateReference(Optional<?> reference, Object contents) {
      return Optional.ofNullable(contents);
    }

    @Override
    public Object getReferenced(Optional<?> reference) {
      return reference.orElse(null);
    }
  }

  private static final class OptionalSerializer extends ReferenceTypeSerializer<Optional<?>> {
    private static final long serialVersionUID = 1L;

    OptionalSerializer(ReferenceType fullType, TypeSerializer typeSerializer, JsonSerializer<Object> serializer) {
      super(fullType, true, typeSerializer, serializer);
    }

    private OptionalSerializer(OptionalSerializer base, BeanProperty property, TypeSerializer typeSerializer,
        JsonSerializer<?> serializer, NameTransformer unwrapper, Object suppressableValue, boolean suppressNulls) {
      super(base, property, typeSerializer, serializer, unwrapper, suppressableValue, suppressNulls);
    }

    @Override
    protected OptionalSerializer withResolved(BeanProperty property, TypeSerializer typeSerializer,
        JsonSerializer<?> serializer, NameTransformer unwrapper) {
      return new OptionalSerializer(this, property, typeSerializer, serializer, unwrapper, _suppressableValue,
          _suppressNulls);
    }

    @Override
    public OptionalSerializer withContentInclusion(Object suppressableValue, boolean suppressNulls) {
      return new OptionalSerializer(this, _property, _valueTypeSerializer, _valueSerializer, _unwrapper,
          suppressableValue, suppressNulls);
    }

    @Override
    protected boolean _isValuePresent(Optional<?> value) {
      return value.isPresent();
    }

    @Override
    protected Object _getReferenced(Optional<?> value) {
      return value.get();
    }

    @Override
    protected Object _getReferencedIfPresent(Optional<?> value) {
      return value.orElse(null);
    }
  }
}
